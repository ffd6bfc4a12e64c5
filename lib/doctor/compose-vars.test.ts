import { describe, expect, it } from 'vitest';
import { variablesIn } from './compose-vars';

describe('variables a compose file interpolates', () => {
  it('tells required, defaulted and plain references apart; $$ and comments are not references', () => {
    const yaml = [
      '# ${IN_A_COMMENT:?no}',
      'services:',
      '  app:',
      '    image: app:${TAG:-latest}',
      '    environment:',
      '      DSN: ${DSN:?set DSN}',
      '      MAYBE: ${MAYBE?must exist}',
      '      PLAIN: $PLAIN and ${BRACED}',
      '      ALT: ${ALT:+on}',
      '      LITERAL: "$$HOME"',
      '      AGAIN: ${TAG}',
    ].join('\n');
    const vars = Object.fromEntries(variablesIn(yaml, 'c.yml').map((v) => [v.name, v]));
    expect(Object.keys(vars).sort()).toEqual(['ALT', 'BRACED', 'DSN', 'MAYBE', 'PLAIN', 'TAG']);
    expect(vars.DSN).toMatchObject({ required: 'non-empty', hasDefault: false, message: 'set DSN' });
    expect(vars.MAYBE).toMatchObject({ required: 'set', message: 'must exist' });
    expect(vars.PLAIN).toMatchObject({ required: null, hasDefault: false });
    expect(vars.ALT).toMatchObject({ required: null, hasDefault: true });
    // One plain reference is enough for "may end up empty".
    expect(vars.TAG).toMatchObject({ required: null, hasDefault: false });
  });
});
