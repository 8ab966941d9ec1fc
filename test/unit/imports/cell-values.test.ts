import { expect } from 'chai';
import {
  booleanCell,
  dayCell,
  formatParticipantsCell,
  guardCell,
  parseParticipantsCell,
  splitMulti,
} from '../../../server/imports/cell-values.js';

describe('CSV cell values', () => {
  it('when a cell holds several values, then ; and | separate them', () => {
    expect(splitMulti('data-ai; regtech|payments ;')).to.deep.equal(['data-ai', 'regtech', 'payments']);
    expect(splitMulti('')).to.deep.equal([]);
  });

  it('when a yes/no cell is written the way Excel or people write it, then it is understood; anything else is not', () => {
    for (const yes of ['TRUE', 'true', '1', 'Yes', '예', 'O']) expect(booleanCell(yes), yes).to.equal(true);
    for (const no of ['FALSE', '0', '', '아니오', 'no']) expect(booleanCell(no), no).to.equal(false);
    expect(booleanCell('maybe')).to.equal(undefined);
  });

  it('when a date is written with slashes or dots, then it becomes YYYY-MM-DD; other text is left for the schema to reject', () => {
    expect(dayCell('2021/3/5')).to.equal('2021-03-05');
    expect(dayCell('2021. 3. 5.')).to.equal('2021-03-05');
    expect(dayCell(' 2021-03-05 ')).to.equal('2021-03-05');
    expect(dayCell('5 March')).to.equal('5 March');
  });

  it('when a participants cell lists investors with amounts and a lead, then each is read from the right', () => {
    const { participants, invalid } = parseParticipantsCell(
      'BNK Venture Capital:1500000000:lead; Dongbaek Partners:10억; Solo Angel; Odd:Name:1,000',
    );
    expect(invalid).to.deep.equal([]);
    expect(participants).to.deep.equal([
      { name: 'BNK Venture Capital', amount: '1500000000', lead: true },
      { name: 'Dongbaek Partners', amount: '10억', lead: false },
      { name: 'Solo Angel', amount: undefined, lead: false },
      { name: 'Odd:Name', amount: '1,000', lead: false },
    ]);
    expect(parseParticipantsCell('Fund X:lots').invalid).to.deep.equal(['Fund X:lots']);
  });

  it('when participants are written out, then reading them back gives the same', () => {
    const cell = formatParticipantsCell([
      { name: 'BNK Venture Capital', amountKrw: 1_500_000_000, lead: true },
      { name: 'Dongbaek Partners', amountKrw: 1_000_000_000 },
      { name: 'Angel', lead: true },
      { name: 'Plain' },
    ]);
    expect(cell).to.equal('BNK Venture Capital:1500000000:lead; Dongbaek Partners:1000000000; Angel::lead; Plain');
    expect(parseParticipantsCell(cell).participants.map((p) => [p.name, p.amount, p.lead])).to.deep.equal([
      ['BNK Venture Capital', '1500000000', true],
      ['Dongbaek Partners', '1000000000', false],
      ['Angel', undefined, true],
      ['Plain', undefined, false],
    ]);
  });

  it('when an exported cell would start a formula in Excel, then it gets a leading apostrophe', () => {
    expect(guardCell('=HYPERLINK("x")')).to.equal('\'=HYPERLINK("x")');
    expect(guardCell('+82 51')).to.equal("'+82 51");
    expect(guardCell('부산페이')).to.equal('부산페이');
  });
});
