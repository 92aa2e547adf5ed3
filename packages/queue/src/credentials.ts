/**
 * The queue's kept credentials (token and signing keys) in its store (`qs:keys`): read, or generated and
 * stored on first start so a printed `.env.local` keeps working across restarts.
 */
import { generateSigningKey } from './signing.ts';
import { hgetallMap, K, type QueueDb } from './store.ts';

export interface QueueCredentials {
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
}

/** The stored credentials, the missing ones generated (`newToken` for the token) and stored first. */
export async function keptCredentials(db: QueueDb, newToken: () => string): Promise<QueueCredentials> {
  const map = await hgetallMap(db, K.keys);
  const kept: QueueCredentials = {
    token: map.get('token') ?? newToken(),
    currentSigningKey: map.get('current') ?? generateSigningKey(),
    nextSigningKey: map.get('next') ?? generateSigningKey(),
  };
  if (
    map.get('token') !== kept.token ||
    map.get('current') !== kept.currentSigningKey ||
    map.get('next') !== kept.nextSigningKey
  ) {
    await db.call([
      'HSET',
      K.keys,
      'token',
      kept.token,
      'current',
      kept.currentSigningKey,
      'next',
      kept.nextSigningKey,
    ]);
    await db.durable();
  }
  return kept;
}
