/** The words of the Recettes page (a commune's procès-verbaux de recette), part of the console's catalogue. */
export const reports = {
  title: 'Recettes',
  intro:
    'Les procès-verbaux de recette faits sur place à la mise en service des armoires de la commune, tels que ses ' +
    'passerelles les ont envoyés.',
  gatewayFilter: 'Passerelle',
  allGateways: 'Toutes les passerelles',
  listTitle: (count: number) =>
    count === 0 ? 'Aucun procès-verbal' : count === 1 ? '1 procès-verbal' : `${count} procès-verbaux`,
  empty:
    'Aucun procès-verbal de recette pour cette commune : un procès-verbal fait sur une passerelle apparaît ici dès ' +
    'qu’elle a pu l’envoyer.',
  emptyGateway: (gatewayId: string) => `Aucun procès-verbal de recette de la passerelle ${gatewayId}.`,
  made: 'Date',
  gateway: 'Passerelle',
  sites: 'Site',
  equipment: 'Équipements essayés',
  engineer: 'Technicien',
  result: 'Résultat',
  results: { passed: 'essais conformes', failed: 'essais non conformes', aborted: 'essais interrompus' } as Partial<
    Record<string, string>
  >,
  summary: (passed: number, failed: number, skipped: number) =>
    `${passed} conforme${passed > 1 ? 's' : ''}, ${failed} non conforme${failed > 1 ? 's' : ''}, ` +
    `${skipped} non réalisé${skipped > 1 ? 's' : ''}`,
  html: 'Page imprimable (HTML)',
  pdf: 'PDF',
  /** The button's name: its visible text first, then which procès-verbal (several are listed). */
  downloadLabel: (format: string, made: string, gatewayId: string) =>
    `${format} : télécharger le procès-verbal du ${made} (passerelle ${gatewayId})`,
  downloading: 'Téléchargement…',
  loadFailed: 'Les procès-verbaux de recette n’ont pas pu être chargés.',
  downloadFailed: 'Le procès-verbal n’a pas pu être téléchargé.',
  detail: (message: string) => `Détail : ${message}`,
};
