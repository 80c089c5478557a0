import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { OutboxMessage } from '@beffroi/sync';
import { HistoryStore } from '../../apps/central/src/history/history-store.service';
import { type CentralHarness, startCentral } from '../support/central-harness';
import { ProtocolGateway, simulatorCatalogue } from '../support/protocol-gateway';

const QUARTER = 15 * 60_000;
const HOUR = 3_600_000;
/** The simulator cabinet's meter (unit kWh) and its first two circuits. */
const ENERGY = 'cabinet:meter.energy';
const CIRCUIT_1 = 'cabinet:circuit.1.command';
const CIRCUIT_2 = 'cabinet:circuit.2.command';
const CIRCUIT_3 = 'cabinet:circuit.3.command';
/** Paris midnights around March 2027 (31 days, 743 hours: the clocks go forward on the 28th). */
const MARCH_START = Date.parse('2027-02-28T23:00:00Z');
const MARCH_END = Date.parse('2027-03-31T22:00:00Z');
const MARCH_2026_START = Date.parse('2026-02-28T23:00:00Z');
const MARCH_2026_END = Date.parse('2026-03-31T22:00:00Z');
const LAST_YEAR_KW = 2.5;
/** A constant 2 kW load. */
const KW = 2;
const TARIFF = {
  subscriptionPerMonth: 30,
  peakPricePerKwh: 0.2,
  offPeakPricePerKwh: 0.15,
  offPeak: [{ from: '22:00', to: '06:00' }],
};
const CO2 = { kgPerKwh: 0.06, source: 'Facteur de test', date: '2026-01-01' };

let central: CentralHarness;
let peer: ProtocolGateway;
/** Laon' gateway, whose meter counts in Wh. */
let whPeer: ProtocolGateway;

function reading(at: number, value: number): OutboxMessage {
  return {
    class: 'telemetry',
    payload: { pointKey: ENERGY, value, quality: { status: 'good' }, receivedAt: new Date(at).toISOString() },
  };
}

function switching(pointKey: string, at: string, value: boolean, result: 'applied' | 'failed'): OutboxMessage {
  return { class: 'switching', payload: { pointKey, value, source: 'schedule:eclairage', result, at } };
}

async function send(messages: OutboxMessage[]): Promise<void> {
  for (const message of messages) peer.append(message);
  peer.flush();
  await peer.drained();
}

beforeAll(async () => {
  central = await startCentral({ config: { history: { rollupEvery: '1h', tariff: TARIFF, co2: CO2 } } });
  const whCredential = await enrol('02408', 'gw-wh');
  peer = new ProtocolGateway('gw-energy', await enrol('02691', 'gw-energy'), central.wsUrl);
  await peer.connect();
  // A year earlier, read every hour of March 2026 (743 hours too): 2.5 kWh an hour.
  central.clock.offsetMs = Date.parse('2026-04-02T12:00:00Z') - Date.now();
  const lastYear: OutboxMessage[] = [];
  for (let at = MARCH_2026_START - HOUR; at < MARCH_2026_END; at += HOUR) {
    lastYear.push(reading(at, 30_000 + (LAST_YEAR_KW * (at - MARCH_2026_START)) / HOUR));
  }
  await send(lastYear);
  await central.app.get(HistoryStore).maintain();
  central.clock.offsetMs = Date.parse('2027-04-02T12:00:00Z') - Date.now();
  // The meter read every quarter of March, from the last quarter of February on: 2 kWh an hour.
  const readings: OutboxMessage[] = [];
  for (let at = MARCH_START - QUARTER; at < MARCH_END; at += QUARTER) {
    readings.push(reading(at, 48_000 + (KW * (at - MARCH_START)) / HOUR));
  }
  await send(readings);
  await send([
    // Lit before March (so its state is known from the first day), off 6 hours into March 1st.
    switching(CIRCUIT_1, '2027-02-28T20:00:00.000Z', true, 'applied'),
    switching(CIRCUIT_1, '2027-03-01T05:00:00.000Z', false, 'applied'),
    // Lit for 12 hours on the night of the 10th.
    switching(CIRCUIT_1, '2027-03-10T18:00:00.000Z', true, 'applied'),
    switching(CIRCUIT_1, '2027-03-11T06:00:00.000Z', false, 'applied'),
    // Asked but not executed: it burned nothing.
    switching(CIRCUIT_1, '2027-03-20T18:00:00.000Z', true, 'failed'),
    // Reported with the gateway's UTC offset: on at 22:30Z on 7 March, a quarter of an hour before its local midnight.
    switching(CIRCUIT_3, '2027-03-08T00:30:00+02:00', true, 'applied'),
    switching(CIRCUIT_3, '2027-03-07T22:45:00Z', false, 'applied'),
  ]);
  // Laon' cabinet counts watt-hours: 2 kW read every quarter of 3 May 2027 (a Paris day of 24 hours).
  const catalogue = simulatorCatalogue();
  whPeer = new ProtocolGateway('gw-wh', whCredential, central.wsUrl);
  const content = {
    equipment: catalogue.equipment.map((equipment) => ({
      ...equipment,
      points: equipment.points.map((point) => (point.id === 'meter.energy' ? { ...point, unit: 'Wh' } : point)),
    })),
    schedules: catalogue.schedules,
  };
  whPeer.catalogue = {
    type: 'catalogue',
    v: 1,
    hash: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
    ...content,
  };
  await whPeer.connect();
  const may3 = Date.parse('2027-05-02T22:00:00Z');
  for (let at = may3 - QUARTER; at < may3 + 24 * HOUR; at += QUARTER) {
    whPeer.append(reading(at, 1_000_000 + (KW * 1000 * (at - may3)) / HOUR));
  }
  whPeer.flush();
  await whPeer.drained();
  await central.app.get(HistoryStore).maintain();
});

/** Enrols a gateway in a commune; answers its credential. */
async function enrol(insee: string, gatewayId: string): Promise<string> {
  const admin = await central.login('admin@useda');
  const { code } = (await central.api(admin, 'POST', `/api/communes/${insee}/enrolment-codes`)).body as {
    code: string;
  };
  return ((await central.api(undefined, 'POST', '/api/enrolment', { code, gatewayId })).body as { credential: string })
    .credential;
}

afterAll(async () => {
  whPeer.close();
  peer.close();
  await central.close();
});

describe("a commune's energy report", () => {
  it('gives the metered kWh of March per cabinet, split at the off-peak hours, with cost and kgCO2e', async () => {
    const reader = await central.login('lecteur@02691');
    const answer = await central.api(reader, 'GET', '/api/communes/02691/energy?month=2027-03');
    expect(answer.status).toBe(200);
    const report = answer.body as {
      period: unknown;
      co2: unknown;
      estimates: { available: boolean; reason: string };
      commune: {
        name: string;
        timeZone: string;
        figures: unknown;
        cabinets: { figures: unknown; outputs: unknown[] }[];
      };
    };
    expect(report.period).toEqual({ from: '2027-03-01', to: '2027-03-31', month: '2027-03' });
    expect(report.co2).toEqual(CO2);
    expect(report.estimates.available).toBe(false);
    expect(report.estimates.reason).toMatch(/installed power/);
    expect(report.commune).toMatchObject({ name: 'Saint-Quentin', timeZone: 'Europe/Paris' });
    // 743 hours × 2 kW; off-peak 22:00–06:00 is 8 hours a night but 7 on the night the clocks go forward.
    const offPeakKwh = (31 * 8 - 1) * KW;
    const metered = {
      kwh: 743 * KW,
      source: 'metered',
      peakKwh: 743 * KW - offPeakKwh,
      offPeakKwh,
      complete: true,
      missingQuarters: 0,
      resets: 0,
      installedWatts: null,
      burningHours: 18.25,
      switchOns: 2,
      cost: { subscription: 30, energy: 272.5, total: 302.5 },
      kgCo2e: 89.16,
      duskToDawnKwh: null,
      savingVsDuskToDawnKwh: null,
      previousYearKwh: 743 * LAST_YEAR_KW,
      previousYearSource: 'metered',
      savingVsPreviousYearKwh: 743 * (LAST_YEAR_KW - KW),
    };
    expect(report.commune.figures).toEqual(metered);
    expect(report.commune.cabinets).toHaveLength(1);
    expect(report.commune.cabinets[0]).toMatchObject({
      gatewayId: 'gw-energy',
      equipmentId: 'cabinet',
      name: 'Armoire',
      meterKey: ENERGY,
      figures: metered,
    });
  });

  it('counts the burning hours and switch-ons each output executed, and never estimates its kWh', async () => {
    const reader = await central.login('lecteur@02691');
    const { body } = await central.api(reader, 'GET', '/api/communes/02691/energy?from=2027-03-01&to=2027-03-31');
    const outputs = (body as { commune: { cabinets: { outputs: { pointKey: string; figures: unknown }[] }[] } }).commune
      .cabinets[0]?.outputs;
    expect(outputs?.map((output) => output.pointKey)).toEqual([
      CIRCUIT_1,
      CIRCUIT_2,
      CIRCUIT_3,
      'cabinet:circuit.4.command',
    ]);
    expect(outputs?.[0]?.figures).toMatchObject({
      kwh: null,
      source: 'none',
      burningHours: 18,
      switchOns: 1,
      complete: true,
    });
    // Nothing known of circuit 2: no hours, and not complete (its state at the start of March is unknown).
    expect(outputs?.[1]?.figures).toMatchObject({ kwh: null, source: 'none', burningHours: 0, complete: false });
  });

  it('compares any period with the same days of the previous year', async () => {
    const reader = await central.login('lecteur@02691');
    const { body } = await central.api(reader, 'GET', '/api/communes/02691/energy?from=2027-03-01&to=2027-03-07');
    const { figures, cabinets } = (body as { commune: { figures: unknown; cabinets: { outputs: unknown[] }[] } })
      .commune;
    // A switching is placed at its instant, whatever the offset it was written with.
    expect(cabinets[0]?.outputs[2]).toMatchObject({
      pointKey: CIRCUIT_3,
      figures: { burningHours: 0.25, switchOns: 1 },
    });
    expect(figures).toMatchObject({
      kwh: 7 * 24 * KW,
      source: 'metered',
      cost: { subscription: 6.77 },
      previousYearKwh: 7 * 24 * LAST_YEAR_KW,
      previousYearSource: 'metered',
      savingVsPreviousYearKwh: 7 * 24 * (LAST_YEAR_KW - KW),
    });
  });

  it('gives the kWh month by month against a year earlier, a month without readings unknown rather than 0', async () => {
    const reader = await central.login('lecteur@02691');
    const answer = await central.api(reader, 'GET', '/api/communes/02691/energy/months?from=2027-03-16&to=2027-04-30');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      period: { from: '2027-03-16', to: '2027-04-30', month: null },
      months: [
        {
          month: '2027-03',
          kwh: (16 * 24 - 1) * KW,
          source: 'metered',
          previousYearKwh: (16 * 24 - 1) * LAST_YEAR_KW,
          previousYearSource: 'metered',
        },
        { month: '2027-04', kwh: null, source: 'none', previousYearKwh: null, previousYearSource: 'none' },
      ],
    });
    const bad = await central.api(reader, 'GET', '/api/communes/02691/energy/months?month=2027-3');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/month.*expected a month such as/);
  });

  it("gives the syndicate's report per commune, the communes without a meter known as such", async () => {
    const admin = await central.login('admin@useda');
    const answer = await central.api(admin, 'GET', '/api/energy?month=2027-03');
    expect(answer.status).toBe(200);
    const report = answer.body as { figures: unknown; communes: { insee: string; figures: { kwh: unknown } }[] };
    expect(report.communes.find((commune) => commune.insee === '02691')?.figures).toMatchObject({
      kwh: 743 * KW,
      source: 'metered',
    });
    expect(report.communes.filter((commune) => commune.insee !== '02691').map((c) => c.figures.kwh)).toEqual(
      report.communes.filter((commune) => commune.insee !== '02691').map(() => null),
    );
    expect(report.figures).toMatchObject({ kwh: 743 * KW, source: 'metered', complete: false });
  });

  it('converts a meter counting in Wh to kWh', async () => {
    const admin = await central.login('admin@useda');
    const { body } = await central.api(admin, 'GET', '/api/communes/02408/energy?from=2027-05-03&to=2027-05-03');
    const { commune } = body as { commune: { figures: unknown; cabinets: { meterKey: string }[] } };
    expect(commune.cabinets.map((cabinet) => cabinet.meterKey)).toEqual([ENERGY]);
    expect(commune.figures).toMatchObject({ kwh: 24 * KW, source: 'metered', complete: true, kgCo2e: 2.88 });
  });

  it('refuses a period that is not a month or a pair of local dates, naming the field', async () => {
    const reader = await central.login('lecteur@02691');
    const bad = await central.api(reader, 'GET', '/api/communes/02691/energy?month=2027-13');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/month.*expected a month such as \\"2027-03\\"/);
    const reversed = await central.api(reader, 'GET', '/api/communes/02691/energy?from=2027-03-10&to=2027-03-01');
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toMatch(/the period ends before it starts/);
    const none = await central.api(reader, 'GET', '/api/communes/02691/energy');
    expect(none.status).toBe(400);
  });
});

/** A download as the browser gets it: status, headers and bytes. */
async function download(path: string, login = 'lecteur@02691') {
  const token = await central.login(login);
  const response = await fetch(`${central.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('the energy report as CSV', () => {
  it('writes the commune, its cabinet and its outputs for a French spreadsheet', async () => {
    const { status, headers, bytes } = await download('/api/communes/02691/energy/csv?month=2027-03');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe('attachment; filename="energie-02691-2027-03.csv"');
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = text.slice(1).split('\r\n');
    expect(rows).toHaveLength(1 + 1 + 1 + 4 + 1);
    expect(rows.at(-1)).toBe('');
    const header = rows[0]?.split(';') ?? [];
    const cells = (row: number) => new Map(header.map((title, index) => [title, rows[row]?.split(';')[index]]));
    expect(header.slice(0, 8)).toEqual([
      'Niveau',
      'Commune',
      'Armoire',
      'Départ',
      'Source des kWh',
      'kWh',
      'kWh heures pleines',
      'kWh heures creuses',
    ]);
    const commune = cells(1);
    expect(Object.fromEntries(commune)).toMatchObject({
      Niveau: 'Commune',
      Commune: 'Saint-Quentin',
      'Source des kWh': 'mesuré',
      kWh: '1486',
      'kWh heures pleines': '992',
      'kWh heures creuses': '494',
      'Données complètes': 'oui',
      'Heures de fonctionnement': '18,25',
      Allumages: '2',
      'Abonnement (€)': '30',
      'Énergie (€)': '272,5',
      'Coût total (€)': '302,5',
      kgCO2e: '89,16',
      'kWh un an plus tôt': '1857,5',
      'Économie sur un an (kWh)': '371,5',
    });
    expect(Object.fromEntries(cells(2))).toMatchObject({ Niveau: 'Armoire', Armoire: 'Armoire', kWh: '1486' });
    expect(Object.fromEntries(cells(3))).toMatchObject({
      Niveau: 'Départ',
      Départ: 'Départ 1 — commande contacteur',
      'Source des kWh': 'inconnu',
      kWh: '',
      'Heures de fonctionnement': '18',
      Allumages: '1',
    });
  });

  it("writes one line per commune of the caller's tenant after their total", async () => {
    const { status, headers, bytes } = await download('/api/energy/csv?from=2027-03-01&to=2027-03-07', 'admin@useda');
    expect(status).toBe(200);
    expect(headers.get('content-disposition')).toBe('attachment; filename="energie-2027-03-01_2027-03-07.csv"');
    const rows = bytes.toString('utf8').slice(1).split('\r\n');
    expect(rows[1]?.split(';').slice(0, 6)).toEqual(['Syndicat', '', '', '', 'mesuré', '336']);
    expect(rows.filter((row) => row.startsWith('Commune;Saint-Quentin;'))).toHaveLength(1);
  });

  it('answers a bad period with the JSON error naming the field, not a file', async () => {
    const { status, headers, bytes } = await download('/api/communes/02691/energy/csv?month=mars');
    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(bytes.toString('utf8')).toMatch(/month/);
  });
});

/** The text layer of a PDF, as Debian's pdftotext (poppler-utils) reads it, one trimmed line per line of text. */
async function textOf(pdf: Buffer): Promise<string[]> {
  const text = await new Promise<string>((resolve, reject) => {
    const child = execFile('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`pdftotext: ${error.message}`));
    });
    child.stdin?.end(pdf);
  });
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

describe('the energy report as PDF for the conseil municipal', () => {
  it('says in French the commune, the period, the cabinets and their total, cost, kgCO2e with its source, savings', async () => {
    const { status, headers, bytes } = await download('/api/communes/02691/energy/pdf?month=2027-03');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/pdf');
    expect(headers.get('content-disposition')).toBe('attachment; filename="energie-02691-2027-03.pdf"');
    const lines = await textOf(bytes);
    expect(lines).toEqual([
      "Éclairage public : consommation d'énergie",
      'Commune de Saint-Quentin (02691)',
      'Période : mars 2027',
      'Armoire Source kWh Heures Allumages Coût (€) kgCO2e',
      'Armoire mesuré 1 486 18 2 302,50 89,2',
      'Total Saint-Quentin mesuré 1 486 18 2 302,50 89,2',
      'Consommation : 1 486 kWh (mesuré), dont 992 kWh en heures pleines et 494 kWh en heures creuses.',
      'Coût : 302,50 € (abonnement 30,00 €, énergie 272,50 €).',
      'Émissions : 89,2 kgCO2e, facteur 0,060 kgCO2e/kWh (source : Facteur de test, 01/01/2026).',
      'Économie sur un an : 372 kWh (1 858 kWh un an plus tôt).',
      "Économie par rapport au crépuscule à l'aube : non calculable (puissance installée des départs inconnue).",
      "kWh par mois, comparés à l'année précédente",
      '1 858 kWh',
      'mars 2027',
      'Période Un an plus tôt',
    ]);
  });

  it('draws one pair of bars per month, this year against the previous year at the same scale', async () => {
    const { status, bytes } = await download('/api/communes/02691/energy/pdf?from=2027-03-01&to=2027-04-30');
    expect(status).toBe(200);
    expect(await textOf(bytes)).toContain('mars 2027 avril 2027');
    const image = await rendered(bytes);
    // March: 1486 kWh this year against 1857.5 a year earlier (the tallest bar); April: no reading either year.
    const thisYear = tallestColumn(image, [0x1d, 0x4e, 0xd8]);
    const lastYear = tallestColumn(image, [0x9c, 0xa3, 0xaf]);
    expect(Math.abs(thisYear / lastYear - 1486 / 1857.5)).toBeLessThan(0.02);
  });
});

/** A PDF's first page rendered by pdftoppm (poppler-utils) at 144 dpi, as a binary PPM. */
async function rendered(pdf: Buffer): Promise<{ width: number; height: number; pixels: Buffer }> {
  const ppm = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile(
      'pdftoppm',
      ['-r', '144', '-f', '1', '-l', '1', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error === null) resolve(stdout);
        else reject(new Error(`pdftoppm: ${error.message}`));
      },
    );
    child.stdin?.end(pdf);
  });
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 50));
  if (header === null) throw new Error('pdftoppm did not answer a binary PPM');
  return { width: Number(header[1]), height: Number(header[2]), pixels: ppm.subarray(header[0].length) };
}

/** The most pixels of one colour in a column of the image: the height of the tallest bar of that colour. */
function tallestColumn(image: { width: number; height: number; pixels: Buffer }, rgb: number[]): number {
  let tallest = 0;
  for (let x = 0; x < image.width; x++) {
    let count = 0;
    for (let y = 0; y < image.height; y++) {
      const at = 3 * (y * image.width + x);
      if (rgb.every((value, channel) => Math.abs((image.pixels[at + channel] ?? -99) - value) <= 2)) count++;
    }
    tallest = Math.max(tallest, count);
  }
  return tallest;
}
