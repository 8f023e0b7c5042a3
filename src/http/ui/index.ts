/** Serving the built web UI from the Kansoku process. */
export { defaultUiDir } from './dir.js';
export { contentTypeFor } from './mime.js';
export { notBuiltPage } from './not-built.js';
export { addUiRoutes } from './routes.js';
export {
  ASSETS_PREFIX,
  isSafeRelative,
  serveUI,
  UI_PREFIXES,
  UI_ROUTES,
  UiFiles,
} from './static.js';
