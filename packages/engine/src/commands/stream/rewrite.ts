/**
 * A stream as the commands that rebuild it (Redis's rewriteStreamObject): one XADD per entry, XSETID for
 * the counters, then each group with XGROUP CREATE … ENTRIESREAD, its consumers with XGROUP CREATECONSUMER
 * and each pending entry with an XCLAIM carrying its delivery time and count. Like Redis, a pending entry
 * whose stream entry was deleted cannot be rebuilt (XCLAIM FORCE needs the entry) and is left out; consumer
 * seen/active times restart at load time.
 */
import type { Argv } from '../../command/table.ts';
import type { Stream } from '../../types/stream.ts';
import { formatId, MIN_ID } from '../../types/stream-id.ts';

export function rewriteStream(key: string, s: Stream, emit: (argv: Argv) => void): void {
  if (s.length > 0) {
    for (const [id, fields] of s) emit(['XADD', key, formatId(id), ...fields]);
  } else {
    // An empty stream still has its last ID; 0-0 cannot be added, so 0-1 stands in and XSETID resets it.
    emit(['XADD', key, 'MAXLEN', '0', s.lastId === MIN_ID ? '0-1' : formatId(s.lastId), 'x', 'y']);
  }
  emit([
    'XSETID',
    key,
    formatId(s.lastId),
    'ENTRIESADDED',
    String(s.entriesAdded),
    'MAXDELETEDID',
    formatId(s.maxDeletedId),
  ]);
  for (const group of s.sortedGroups()) {
    emit(['XGROUP', 'CREATE', key, group.name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]);
    for (const c of group.sortedConsumers()) emit(['XGROUP', 'CREATECONSUMER', key, group.name, c.name]);
    for (const [id, nack] of group.pel) {
      if (s.get(id) === undefined) continue;
      emit([
        'XCLAIM',
        key,
        group.name,
        nack.consumer.name,
        '0',
        formatId(id),
        'TIME',
        String(nack.time),
        'RETRYCOUNT',
        String(nack.count),
        'JUSTID',
        'FORCE',
      ]);
    }
  }
}
