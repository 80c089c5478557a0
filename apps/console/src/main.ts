import { mount } from 'svelte';
import App from './App.svelte';
import { warmUpFormats } from './lib/format';
import { isGatewaySite } from './lib/site';
import './styles.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
// Served by a gateway, the console is its commissioning pages only (loaded on demand: central's first visit stays light).
if (isGatewaySite(document)) {
  void import('./pages/commissioning/CommissioningApp.svelte').then(({ default: Commissioning }) =>
    mount(Commissioning, { target }),
  );
} else {
  mount(App, { target });
  // While the first screen waits for central's answer, if it does: never before the mount or the render (a page that
  // renders first has made its formatters by then). A browser without idle callbacks makes them in a task of their own.
  if ('requestIdleCallback' in window) requestIdleCallback(() => warmUpFormats());
  else setTimeout(warmUpFormats, 0);
}
