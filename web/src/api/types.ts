import type { components } from './schema';

export type Schemas = components['schemas'];
export type User = Schemas['UserOut'];
export type TokenPair = Schemas['TokenPair'];
export type Session = Schemas['SessionOut'];
export type SessionPage = Schemas['SessionPage'];
export type ProfilePatch = Schemas['ProfilePatch'];
export type Problem = Schemas['Problem'];
