/**
 * The HTTP server core without any route: what a process that serves only a few endpoints of
 * its own (the agent) needs, without loading the whole API behind `http/index.ts`.
 */
export {
  HttpServer,
  defaultHttpServerOptions,
  type HttpServerOptions,
  type HttpServerTls,
} from '../server.js';
export { HttpMetrics } from '../metrics.js';
export { Router, type Handler, type Method, type RequestContext } from '../router.js';
export { sendEmpty, sendError, sendJson, sendText } from '../respond.js';
