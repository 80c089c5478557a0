import { type Page, pageOf, pathOf } from './router';
import { homeCommune, loadSession, mayAct, saveSession, clearSession, type StorageLike } from './session';

describe("the console's addresses", () => {
  it('reads each page from its path, and writes the same path back', () => {
    const pages: Page[] = [
      { name: 'home' },
      { name: 'commune', insee: '02691' },
      { name: 'alarms', insee: '02691' },
      { name: 'output', insee: '02691', gatewayId: 'gw-1', key: 'cabinet-a:circuit.4.command' },
      { name: 'login', retour: '/communes/02691/alarmes' },
      { name: 'login', retour: '/communes/02691/alarmes', notice: 'expired' },
      { name: 'login', retour: undefined, notice: 'loggedOut' },
    ];
    for (const page of pages) {
      const url = new URL(pathOf(page), 'http://console');
      expect(pageOf(url.pathname, url.search)).toEqual(page);
    }
  });

  it('shows "page introuvable" for any other path', () => {
    expect(pageOf('/communes')).toEqual({ name: 'not-found' });
    expect(pageOf('/communes/02691/passerelles/gw-1')).toEqual({ name: 'not-found' });
    expect(pageOf('/api/events')).toEqual({ name: 'not-found' });
  });

  it('keeps why the login is shown in its address, so a reload still says it', () => {
    expect(pathOf({ name: 'login', retour: '/communes/02691', notice: 'expired' })).toBe(
      '/connexion?retour=%2Fcommunes%2F02691&motif=expiree',
    );
    expect(pageOf('/connexion', '?motif=inconnu')).toEqual({ name: 'login', retour: undefined });
  });

  it('returns after login only to a page of the console', () => {
    expect(pageOf('/connexion', '?retour=https://example.org/')).toEqual({ name: 'login', retour: undefined });
    expect(pageOf('/connexion', '?retour=//example.org/')).toEqual({ name: 'login', retour: undefined });
    expect(pageOf('/connexion', '?retour=/connexion')).toEqual({ name: 'login', retour: undefined });
  });
});

describe('the session of a tab', () => {
  const memory = (): StorageLike & { items: Map<string, string> } => {
    const items = new Map<string, string>();
    return {
      items,
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => items.set(key, value),
      removeItem: (key) => items.delete(key),
    };
  };
  const agent = {
    accountId: 2,
    login: 'agent@02691',
    role: 'commune-staff' as const,
    syndicateId: null,
    communeInsee: '02691',
  };

  it('is kept, read back and cleared; a damaged one counts as none', () => {
    const storage = memory();
    expect(loadSession(storage)).toBeUndefined();
    saveSession(storage, { token: 't', account: agent });
    expect(loadSession(storage)).toEqual({ token: 't', account: agent });
    clearSession(storage);
    expect(loadSession(storage)).toBeUndefined();
    storage.setItem('beffroi.session', '{');
    expect(loadSession(storage)).toBeUndefined();
  });

  it('lets every role act but read-only, and finds the home commune', () => {
    expect(mayAct(agent)).toBe(true);
    expect(mayAct({ ...agent, role: 'read-only' })).toBe(false);
    expect(homeCommune(agent, [])).toBe('02691');
    expect(homeCommune({ ...agent, communeInsee: null, syndicateId: 'useda' }, [{ insee: '02408' }])).toBe('02408');
  });
});
