import { describe, expect, it } from 'vitest';
import { HomeIcon, SearchIcon, UserIcon } from '../ui/icons';
import type { Feature } from './feature';
import { buildNav } from './nav';

const page = null;

describe('buildNav', () => {
  it('lists the routes with nav metadata across features, by order (ties keep list order)', () => {
    const features: Feature[] = [
      {
        name: 'b',
        routes: [
          { path: '/account', element: page, auth: 'required', nav: { label: 'Account', icon: UserIcon, order: 80 } },
          { path: '/things/:id', element: page, auth: 'required' },
          { path: '/signin', element: page, auth: 'guest' },
        ],
      },
      {
        name: 'a',
        routes: [
          { path: '/', element: page, auth: 'required', nav: { label: 'Home', icon: HomeIcon, order: 0 } },
          { path: '/search', element: page, auth: 'required', nav: { label: 'Search', icon: SearchIcon, order: 80 } },
        ],
      },
    ];
    expect(buildNav(features)).toEqual([
      { to: '/', label: 'Home', icon: HomeIcon, end: true },
      { to: '/account', label: 'Account', icon: UserIcon },
      { to: '/search', label: 'Search', icon: SearchIcon },
    ]);
  });

  it('refuses nav entries the shell cannot show', () => {
    const nav = { label: 'X', icon: HomeIcon, order: 1 };
    expect(() => buildNav([{ name: 'x', routes: [{ path: '/signin', element: page, auth: 'guest', nav }] }])).toThrow(/signin/);
    expect(() => buildNav([{ name: 'x', routes: [{ path: '/albums/:id', element: page, auth: 'required', nav }] }])).toThrow(/albums/);
  });
});
