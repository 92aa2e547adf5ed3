export {
  type Authenticate,
  bearerToken,
  type Grant,
  type TokenAuthenticatorOptions,
  tokenAuthenticator,
} from './auth.ts';
export {
  createRestHandler,
  DEFAULT_MAX_REQUEST_BYTES,
  type RestHandler,
  type RestHandlerOptions,
  type RestLogger,
} from './handler.ts';
export { jsonResult, jsonResults, jsonValue } from './json.ts';
export { resp2 } from './resp2.ts';
