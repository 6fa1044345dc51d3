/** Every page: its path pattern, its nav label (none for detail pages) and how to render it. */
import { createElement, type ReactNode } from 'react';
import { AlertsPage } from './AlertsPage.tsx';
import { BacktestsPage } from './BacktestsPage.tsx';
import { ConfirmationsPage } from './ConfirmationsPage.tsx';
import { LeaderboardPage } from './LeaderboardPage.tsx';
import { ModelsPage } from './ModelsPage.tsx';
import { OrdersPage } from './OrdersPage.tsx';
import { PacksPage } from './PacksPage.tsx';
import { ScannerPage } from './ScannerPage.tsx';
import { SweepsPage } from './SweepsPage.tsx';
import { TrainingPage } from './TrainingPage.tsx';

/** One page of the dashboard. */
export interface PageDef {
  path: string;
  nav?: string;
  render: (params: Record<string, string>, query: URLSearchParams) => ReactNode;
}

export const PAGES: readonly PageDef[] = [
  { path: '/', render: () => createElement(PacksPage) },
  { path: '/packs', nav: 'Packs', render: () => createElement(PacksPage) },
  { path: '/models', nav: 'Models', render: (_p, query) => createElement(ModelsPage, { query }) },
  { path: '/sweeps', nav: 'Sweeps', render: (_p, query) => createElement(SweepsPage, { query }) },
  { path: '/sweeps/:id', render: (p, query) => createElement(SweepsPage, { id: p.id!, query, key: p.id }) },
  { path: '/leaderboard', nav: 'Leaderboard', render: (_p, query) => createElement(LeaderboardPage, { query }) },
  { path: '/training', nav: 'Training', render: () => createElement(TrainingPage) },
  { path: '/training/:id', render: (p) => createElement(TrainingPage, { id: p.id!, key: p.id }) },
  { path: '/backtests', nav: 'Backtests', render: (_p, query) => createElement(BacktestsPage, { query }) },
  { path: '/backtests/:id', render: (p, query) => createElement(BacktestsPage, { id: p.id!, query, key: p.id }) },
  { path: '/alerts', nav: 'Alerts', render: () => createElement(AlertsPage) },
  { path: '/scanner', nav: 'Scanner', render: () => createElement(ScannerPage) },
  { path: '/confirmations', nav: 'Confirmations', render: () => createElement(ConfirmationsPage) },
  { path: '/orders', nav: 'Orders', render: () => createElement(OrdersPage) },
];
