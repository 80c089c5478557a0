import { mount } from 'svelte';
import App from './App.svelte';
import { isGatewaySite } from './lib/site';
import './styles.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
// Served by a gateway, the console is its commissioning pages only (loaded on demand: central's first visit stays light).
if (isGatewaySite(document)) {
  void import('./pages/commissioning/CommissioningApp.svelte').then(({ default: Commissioning }) =>
    mount(Commissioning, { target }),
  );
} else mount(App, { target });
