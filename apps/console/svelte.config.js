import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** TypeScript in .svelte files, for the build and for svelte-check. */
export default { preprocess: vitePreprocess() };
