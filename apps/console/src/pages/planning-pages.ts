/** The pages of the Planning screen, in one chunk the console loads on their first visit. */
export { default as Planning } from './Planning.svelte';
export { default as PlanningSchedule } from './PlanningSchedule.svelte';
