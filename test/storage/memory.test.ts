import { MemoryStorage } from '../support/memory-storage.js';
import { storageSuite } from './suite.js';

storageSuite(
  'memory (test double)',
  async () => ({ storage: new MemoryStorage(), cleanup: async () => {} }),
  {
    paging: true,
    exclusiveCreate: true,
    largeSize: 4 * 1024 * 1024,
  },
);
