import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { FIRM_STAGES, INITIAL_FIRM_STATUSES, ROUND_STAGES, SECTORS } from '../../../models/enums.js';
import { createI18n, loadLocale } from '../../../server/lib/i18n.js';
import {
  ENUM_NAMES,
  enumOfField,
  labelKeyOf,
  labelOf,
  optionsOf,
  valuesOf,
  type Translate,
} from '../../../server/lib/labels.js';
import { viewsDir } from '../../../server/lib/paths.js';

describe('labels of allowed values', () => {
  // A translation that shows which key was asked for.
  const keyT: Translate = (key) => `<${key}>`;

  it("lists a vocabulary's values in the order of models/enums.ts, each with its one label key", () => {
    const options = optionsOf('sectors', keyT);
    expect(options.map((o) => o.value)).to.deep.equal([...SECTORS]);
    expect(options[0]).to.deep.equal({ value: 'payments', label: '<enums.sectors.payments>' });
  });

  it('puts a blank choice first when asked', () => {
    const options = optionsOf('initialFirmStatuses', keyT, '—');
    expect(options[0]).to.deep.equal({ value: '', label: '—' });
    expect(options.slice(1).map((o) => o.value)).to.deep.equal([...INITIAL_FIRM_STATUSES]);
    expect(options[1]?.label).to.equal('<enums.firmStatuses.applicant>');
  });

  it('gives firm and round stages the same label key, so a stage reads the same everywhere', () => {
    expect(labelKeyOf('firmStages', 'pre-a')).to.equal(labelKeyOf('roundStages', 'pre-a'));
    expect(valuesOf('firmStages')).to.equal(FIRM_STAGES);
    expect(valuesOf('roundStages')).to.equal(ROUND_STAGES);
  });

  it('when there is no value, then the label is empty; when the value is unknown, then the value itself shows', async () => {
    const t = (await createI18n()).getFixedT('en');
    expect(labelOf('roundStages', undefined, t)).to.equal('');
    expect(labelOf('roundStages', '', t)).to.equal('');
    expect(labelOf('roundStages', 'series-z', t)).to.equal('series-z');
    expect(labelOf('roundStages', 'pre-a', t)).to.equal('Pre-Series A');
  });

  it('every value of every vocabulary has a label in Korean and in English', () => {
    for (const lang of ['ko', 'en'] as const) {
      const strings = loadLocale(lang);
      const missing = ENUM_NAMES.flatMap((name) => valuesOf(name).map((value) => labelKeyOf(name, value))).filter(
        (key) =>
          typeof key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], strings) !==
          'string',
      );
      expect(missing, lang).to.deep.equal([]);
    }
  });

  it("reads an audited field's values in the vocabulary of its record type", () => {
    expect(enumOfField('round', 'status')).to.equal('roundStatuses');
    expect(enumOfField('firm', 'status')).to.equal('firmStatuses');
    expect(enumOfField('user', 'role')).to.equal('roles');
    expect(enumOfField('person', 'role')).to.equal('personRoles');
    expect(enumOfField('firm', 'fundraising.instrument')).to.equal('instruments');
    expect(enumOfField('firm', 'pitch')).to.equal(undefined);
  });
});

describe('templates', () => {
  const templates = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith('.ejs') ? [path.join(dir, e.name)] : [],
    );

  it('take their choices from the vocabularies, never from a list of values written out', () => {
    const found: string[] = [];
    for (const file of templates(viewsDir)) {
      const text = readFileSync(file, 'utf8');
      for (const [list] of text.matchAll(/\[\s*(['"])[^'"]*\1(?:\s*,\s*(['"])[^'"]*\2)+\s*\]/g)) {
        const items = [...list.matchAll(/['"]([^'"]*)['"]/g)].map((m) => m[1]!);
        const vocabulary = ENUM_NAMES.find(
          (name) => items.filter((v) => (valuesOf(name) as readonly string[]).includes(v)).length >= 2,
        );
        if (vocabulary) found.push(`${path.relative(viewsDir, file)}: ${list} (use options('${vocabulary}'))`);
      }
    }
    expect(found).to.deep.equal([]);
  });
});
