import { readFileSync } from 'node:fs';

interface EtalabCommune {
  code: string;
  nom: string;
  departement: string;
  type: string;
}

let directory: ReadonlyMap<string, EtalabCommune> | undefined;

/** Every current commune of France (`@etalab/decoupage-administratif`), by INSEE code; read once, on first use. */
function communes(): ReadonlyMap<string, EtalabCommune> {
  directory ??= new Map(
    (
      JSON.parse(
        readFileSync(require.resolve('@etalab/decoupage-administratif/data/communes.json'), 'utf8'),
      ) as EtalabCommune[]
    )
      .filter((commune) => commune.type === 'commune-actuelle')
      .map((commune) => [commune.code, commune]),
  );
  return directory;
}

export function communeName(insee: string): string | undefined {
  return communes().get(insee)?.nom;
}

/** The current communes of a department (`02`, `2A`, `974`), sorted by INSEE code. */
export function communesOfDepartment(department: string): { insee: string; name: string }[] {
  return [...communes().values()]
    .filter((commune) => commune.departement === department)
    .map((commune) => ({ insee: commune.code, name: commune.nom }))
    .sort((a, b) => a.insee.localeCompare(b.insee));
}
