export { trainConfigSchema, datasetSchema, videoSchema, crossFieldIssues, DATASET_FORMATS, type TrainConfig, type TrainConfigInput } from './schema.js';
export { loadConfig, saveConfig, readConfigFile, deepMerge, type LoadConfigOptions, type Overrides } from './load.js';
export { addConfigOptions, overridesFromFlags, loadConfigFromCommand, flagName } from './cli-options.js';
export { configFields, type ConfigField, type FieldKind } from './json-schema.js';
export { configReferenceMarkdown, DOCS_BEGIN, DOCS_END } from './docs-table.js';
