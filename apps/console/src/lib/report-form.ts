/** The procès-verbal's form as typed: the measures taken on site, the remarks, who signs. */
export interface ReportForm {
  insulation: string;
  earth: string;
  rcd: string;
  remarks: string;
  engineer: string;
  representative: string;
}

export type ReportField = 'run' | 'insulation' | 'earth' | 'rcd' | 'remarks' | 'engineer' | 'representative';

export type ReportOutcome =
  | { readonly ok: true; readonly request: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly fields: readonly ReportField[] };

export function emptyReportForm(): ReportForm {
  return { insulation: '', earth: '', rcd: '', remarks: '', engineer: '', representative: '' };
}

const MAX_MEASURE = 10_000;

/** A measure as typed on a French keyboard ("12,5" or "12.5"), 0..10000; undefined otherwise. */
export function measureOf(text: string): number | undefined {
  const normalised = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(normalised)) return undefined;
  const value = Number(normalised);
  return value <= MAX_MEASURE ? value : undefined;
}

/**
 * `POST /commissioning/reports`'s body (docs/gateway.md "procès-verbal de recette"), checked here first so that the
 * engineer reads what is wrong next to the field; the gateway checks it again.
 */
export function reportRequestOf(run: string, form: ReportForm): ReportOutcome {
  const wrong: ReportField[] = [];
  const insulation = measureOf(form.insulation);
  const earth = measureOf(form.earth);
  const rcd = measureOf(form.rcd);
  const engineer = form.engineer.trim();
  const representative = form.representative.trim();
  if (run === '') wrong.push('run');
  if (insulation === undefined) wrong.push('insulation');
  if (earth === undefined) wrong.push('earth');
  if (rcd === undefined) wrong.push('rcd');
  if (form.remarks.length > 4000) wrong.push('remarks');
  if (engineer === '' || engineer.length > 200) wrong.push('engineer');
  if (representative.length > 200) wrong.push('representative');
  if (wrong.length > 0) return { ok: false, fields: wrong };
  return {
    ok: true,
    request: {
      run,
      fields: {
        insulationResistanceMOhm: insulation,
        earthResistanceOhm: earth,
        rcdTripTimeMs: rcd,
        remarks: form.remarks.trim(),
        engineer,
        ...(representative === '' ? {} : { representative }),
      },
    },
  };
}

const BY_PATH: Readonly<Record<string, ReportField>> = {
  run: 'run',
  'fields.insulationResistanceMOhm': 'insulation',
  'fields.earthResistanceOhm': 'earth',
  'fields.rcdTripTimeMs': 'rcd',
  'fields.remarks': 'remarks',
  'fields.engineer': 'engineer',
  'fields.representative': 'representative',
};

/** The form's field a problem of the gateway names (`fields.earthResistanceOhm`), or undefined. */
export function reportFieldOfProblem(path: string): ReportField | undefined {
  return BY_PATH[path];
}
