/** The platform's refusals, in Upstash's words (its troubleshooting pages name each one). */
import { ErrorReply } from '@redstash/engine';

export const dailyLimit = (limit: number, usage: number) =>
  new ErrorReply(
    `ERR max daily request limit exceeded. Limit: ${limit}, Usage: ${usage}. ` +
      'See https://upstash.com/docs/redis/troubleshooting/max_daily_request_limit for details',
  );
export const DB_CAPACITY = new ErrorReply('ERR DB capacity quota exceeded');
export const MAX_RECORD_SIZE = new ErrorReply('ERR max single record size exceeded');
export const keySize = (limit: number, actual: number) =>
  new ErrorReply(`ERR max key size exceeded. Limit: ${limit} bytes, Actual: ${actual} bytes`);
export const memberSize = (limit: number, actual: number) =>
  new ErrorReply(`ERR max member size exceeded. Limit: ${limit} bytes, Actual: ${actual} bytes`);
export const MAX_CONNECTIONS = new ErrorReply('ERR max concurrent connections exceeded');
export const perSecondLimit = (limit: number) =>
  new ErrorReply(`ERR max requests per second limit exceeded. Limit: ${limit}`);
