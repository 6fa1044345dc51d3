/** Every page: its path pattern, its nav label (none for detail pages) and how to render it. */
import { createElement, type ReactNode } from 'react';
import { ConfirmationsPage } from './ConfirmationsPage.tsx';
import { OrdersPage } from './OrdersPage.tsx';
import { ScannerPage } from './ScannerPage.tsx';

/** One page of the dashboard. */
export interface PageDef {
  path: string;
  nav?: string;
  render: (params: Record<string, string>, query: URLSearchParams) => ReactNode;
}

export const PAGES: readonly PageDef[] = [
  { path: '/', render: () => createElement(ConfirmationsPage) },
  { path: '/confirmations', nav: 'Confirmations', render: () => createElement(ConfirmationsPage) },
  { path: '/scanner', nav: 'Scanner', render: () => createElement(ScannerPage) },
  { path: '/orders', nav: 'Orders', render: () => createElement(OrdersPage) },
];
