import { type Page, pageOf, pathOf } from './router';

describe('the addresses of Cloches, Chauffage and Historique', () => {
  it.each<[Page, string]>([
    [{ name: 'bells', insee: '02691' }, '/communes/02691/cloches'],
    [{ name: 'heating', insee: '02691' }, '/communes/02691/chauffage'],
    [{ name: 'history', insee: '02691' }, '/communes/02691/historique'],
  ])('%j is at %s and read back from it', (page, path) => {
    expect(pathOf(page)).toBe(path);
    expect(pageOf(path)).toEqual(page);
  });

  it('shows "page introuvable" below them', () => {
    expect(pageOf('/communes/02691/cloches/glas')).toEqual({ name: 'not-found' });
  });
});
