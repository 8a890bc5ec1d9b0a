import { Component } from 'react';
import { createRoot } from 'react-dom/client';
import { Component as PreactComponent } from 'preact';
import { createRoot as preactCreateRoot } from 'preact/compat/client';

// The tests run on the runtime the built app ships (vite.config.ts aliases React to preact/compat).
it('runs on preact/compat, as the built app does', () => {
  expect(Component).toBe(PreactComponent);
  expect(createRoot).toBe(preactCreateRoot);
});
