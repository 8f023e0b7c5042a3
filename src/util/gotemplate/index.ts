/** Go's text/template language for Prometheus and Alertmanager templates. */
export { Template } from './exec.js';
export { TemplateError } from './errors.js';
export { sprintf } from './fmt.js';
export {
  GoInt,
  SafeHTML,
  formatFloat,
  goTime,
  printValue,
  truthy,
  type TemplateFunc,
} from './value.js';
export {
  GoDuration,
  prometheusFuncs,
  type PrometheusFuncOptions,
  type TemplateSample,
} from './promfuncs.js';
