import { expect } from 'chai';
import {
  participantColumnCells,
  participantColumnOf,
  participantColumns,
  participantHeaderList,
  participantsFromColumns,
} from '../../../server/imports/participant-columns.js';

describe('participant columns', () => {
  it('when a header is a participant code or the Korean or English label, then its participant and field are recognised', () => {
    const cases: [string, number, string][] = [
      ['participant1', 1, 'name'],
      ['participant1AmountKrw', 1, 'amountKrw'],
      ['participant1Lead', 1, 'lead'],
      ['참여 투자사 1', 1, 'name'],
      ['참여 금액 1 (원)', 1, 'amountKrw'],
      ['리드 1', 1, 'lead'],
      ['Participant 12', 12, 'name'],
      ['Participant 3 amount (KRW)', 3, 'amountKrw'],
      ['participant 3 LEAD', 3, 'lead'],
      [' PARTICIPANT2AMOUNTKRW ', 2, 'amountKrw'],
      ['참여금액 2', 2, 'amountKrw'],
      ['participant_4_lead', 4, 'lead'],
    ];
    for (const [header, n, field] of cases) expect(participantColumnOf(header), header).to.deep.equal({ n, field });
  });

  it('when a header is not a numbered participant column, then it is not taken for one', () => {
    for (const header of [
      'participants',
      'participant0',
      'Participant',
      '리드',
      '참여 투자사',
      'stage',
      'amountKrw',
      'leader 1',
    ])
      expect(participantColumnOf(header), header).to.equal(undefined);
  });

  it('when every mode writes its headers, then each is read back as the same participant field', () => {
    for (const mode of ['codes', 'ko', 'en'] as const)
      for (const n of [1, 2, 10]) {
        const headers = participantColumns(n, mode);
        for (const field of ['name', 'amountKrw', 'lead'] as const)
          expect(participantColumnOf(headers[field]), `${mode} ${headers[field]}`).to.deep.equal({ n, field });
      }
    expect(participantColumns(2, 'ko')).to.deep.equal({
      name: '참여 투자사 2',
      amountKrw: '참여 금액 2 (원)',
      lead: '리드 2',
    });
  });

  it('when a row has participant columns, then participants come in column order with amount and lead, empty groups skipped', () => {
    const row = {
      stage: 'seed',
      '참여 투자사 2': 'Dongbaek Partners',
      '참여 금액 2 (원)': '10억',
      '리드 2': '아니요',
      '참여 투자사 1': 'BNK벤처투자',
      '참여 금액 1 (원)': '1500000000',
      '리드 1': '예',
      '참여 투자사 3': '',
      '참여 금액 3 (원)': '',
      '리드 3': '',
      '참여 투자사 4': 'Solo Angel',
    };
    expect(participantsFromColumns(row)).to.deep.equal([
      { name: 'BNK벤처투자', amount: '1500000000', lead: true },
      { name: 'Dongbaek Partners', amount: '10억', lead: false },
      { name: 'Solo Angel', amount: undefined, lead: false },
    ]);
  });

  it('when a lead cell says TRUE, 리드 or lead, then the participant leads', () => {
    for (const lead of ['TRUE', '리드', 'lead', 'Yes', '1'])
      expect(participantsFromColumns({ participant1: 'A', participant1Lead: lead })[0]?.lead, lead).to.equal(true);
    for (const lead of ['', 'FALSE', 'No'])
      expect(participantsFromColumns({ participant1: 'A', participant1Lead: lead })[0]?.lead, lead).to.equal(false);
  });

  it('when participants are written as columns, then each mode uses its words and pads to the file width, and reads back', () => {
    const list = [
      { name: 'BNK벤처투자', amountKrw: 300000000, lead: true },
      { name: '동백파트너스', amountKrw: null, lead: false },
    ];
    const ko = participantColumnCells(list, 'ko', 3);
    expect(ko).to.deep.equal({
      '참여 투자사 1': 'BNK벤처투자',
      '참여 금액 1 (원)': '300000000',
      '리드 1': '예',
      '참여 투자사 2': '동백파트너스',
      '참여 금액 2 (원)': '',
      '리드 2': '아니요',
      '참여 투자사 3': '',
      '참여 금액 3 (원)': '',
      '리드 3': '',
    });
    expect(Object.keys(ko)).to.deep.equal(participantHeaderList(3, 'ko'));
    expect(participantColumnCells(list, 'en')['Participant 1 lead']).to.equal('Yes');
    expect(participantColumnCells(list, 'codes')).to.include({ participant1Lead: 'true', participant2Lead: '' });
    for (const mode of ['codes', 'ko', 'en'] as const)
      expect(participantsFromColumns(participantColumnCells(list, mode, 4)), mode).to.deep.equal([
        { name: 'BNK벤처투자', amount: '300000000', lead: true },
        { name: '동백파트너스', amount: undefined, lead: false },
      ]);
  });
});
