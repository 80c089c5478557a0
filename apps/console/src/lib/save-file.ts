/**
 * Saves a file the console fetched itself (with the session's credential, which a plain link would not send): from
 * memory, under `filename`. The memory is released a minute later, once the browser has surely taken the file.
 */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
