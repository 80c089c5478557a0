import { type Page, pageOf, pathOf } from './router';

describe('the addresses of the Énergie pages', () => {
  it.each<[Page, string]>([
    [{ name: 'energy', insee: '02691' }, '/communes/02691/energie'],
    [{ name: 'syndicate-energy' }, '/syndicat/energie'],
  ])('%j is at %s and read back from it', (page, path) => {
    expect(pathOf(page)).toBe(path);
    expect(pageOf(path)).toEqual(page);
  });

  it('shows "page introuvable" below them', () => {
    expect(pageOf('/communes/02691/energie/2027')).toEqual({ name: 'not-found' });
    expect(pageOf('/syndicat/energie/2027')).toEqual({ name: 'not-found' });
  });
});
