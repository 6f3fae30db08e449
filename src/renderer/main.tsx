import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from '../shared/contract/errors.js';
import { App } from './App.js';
import './styles.css';

const onError = (e: unknown) => {
  if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') {
    void queryClient.invalidateQueries({ queryKey: ['auth.status'] });
  }
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      retry: (count, e) => !(e instanceof ApiError && e.code !== 'TRANSIENT') && count < 2,
      staleTime: 15_000,
      refetchOnWindowFocus: true,
    },
  },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
