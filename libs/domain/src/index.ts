export * from './common.schema';
export * from './gateway-config.schema';
export * from './point.schema';
export * from './profile.schema';
export * from './site.schema';
export * from './tenant.schema';
export * from './validation/document.exception';
export * from './validation/parse-document';
