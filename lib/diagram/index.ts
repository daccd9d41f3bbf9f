export * from './dot';
export * from './render';
export * from './topology';
export * from './command';
