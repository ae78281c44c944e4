import { hasMatcher, selectorFromLabels, shortHash, toggleMatcher } from './selector';

describe('selector helpers', () => {
  it('builds a sorted, quoted selector from labels', () => {
    expect(selectorFromLabels({ b: '2', a: 'x"y' })).toBe('{a="x\\"y", b="2"}');
    expect(selectorFromLabels({})).toBe('{}');
  });

  it('keeps braces and commas inside values', () => {
    const q = '{a="}{,", b="c"} |= "}"';
    expect(hasMatcher(q, 'a', '=', '}{,')).toBe(true);
    expect(toggleMatcher(q, 'b', '=', 'c')).toBe('{a="}{,"} |= "}"');
  });

  it('adds a selector to bare line filters', () => {
    expect(toggleMatcher('|= "x"', 'k', '=', 'v')).toBe('{k="v"} |= "x"');
  });

  it('hashes stably', () => {
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
    expect(shortHash('')).toBe('811c9dc5');
  });
});
