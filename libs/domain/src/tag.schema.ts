import { z } from 'zod';

const TAG_ERROR = 'expected a tag: lowercase letters, digits and hyphens, such as "eclairage-voirie"';

/**
 * A tag names what an output is for (`eclairage-voirie`, `eclairage-patrimoine`, `eclairage-stade`, `cloches`,
 * `chauffage-salle`, or any word of the syndicate's own): a syndicate's template targets outputs by tag, and each
 * commune's gateway says which of its outputs carry which tags.
 */
export const tag = z.string({ error: TAG_ERROR }).regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, { error: TAG_ERROR });

/** The tags of one point: at most 20, each once. */
export const tagList = z
  .array(tag)
  .max(20, { error: 'expected at most 20 tags' })
  .superRefine((tags, ctx) => {
    tags.forEach((t, index) => {
      if (tags.indexOf(t) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `duplicate tag "${t}"` });
    });
  });

/** Tags of a point from its profile and its gateway's config, each once, in that order. */
export function mergeTags(...lists: readonly (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => list ?? []))];
}
