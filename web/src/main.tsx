import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { api, tokens } from './api/client';
import { AuthProvider } from './auth/AuthContext';
import { AppRoutes } from './App';
import { createQueryClient } from './api/queryClient';
import { features } from './features';
import { preloadRoute } from './shell/lazyPage';
import { renderInTasks } from './lib/renderInTasks';
import './index.css';

// The session refresh (the refresh cookie) and the current page's chunk start now, beside
// the first render rather than after it (AuthProvider's own start() is then a no-op).
void tokens.start();
renderInTasks();
const queryClient = createQueryClient();
preloadRoute(features, window.location.pathname);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider api={api} tokens={tokens}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch((err: unknown) => {
      console.warn('Service worker registration failed', err);
    });
  });
}
