export * from './events';
export * from './routes';
export * from './schemas';
