import { useRoutes } from 'react-router';
import { features } from './features';
import { buildRoutes } from './shell/routes';

const routes = buildRoutes(features);

export function AppRoutes() {
  return useRoutes(routes);
}
