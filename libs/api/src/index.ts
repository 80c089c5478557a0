export * from './commissioning';
export * from './commune-page';
export * from './energy';
export * from './events';
export * from './planning';
export * from './routes';
export * from './schemas';
export * from './syndicate';
