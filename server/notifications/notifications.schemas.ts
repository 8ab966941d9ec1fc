import { z } from 'zod';
import { pageCursors } from '../lib/keyset.js';

// The notifications page takes only its page cursors.
export const notificationsQuery = z.strictObject({ ...pageCursors });
