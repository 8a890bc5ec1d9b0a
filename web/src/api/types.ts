import type { components } from './schema';

export type Schemas = components['schemas'];
export type User = Schemas['UserOut'];
export type TokenPair = Schemas['TokenPair'];
export type Session = Schemas['SessionOut'];
export type SessionPage = Schemas['SessionPage'];
export type ProfilePatch = Schemas['ProfilePatch'];
export type Problem = Schemas['Problem'];
export type OtpRequested = Schemas['OtpRequested'];

// Listen area (library, streaming, listening)
export type Track = Schemas['TrackOut'];
export type TrackDetail = Schemas['TrackDetail'];
export type TrackPage = Schemas['TrackPage'];
export type TrackPatch = Schemas['TrackPatch'];
export type Album = Schemas['AlbumOut'];
export type AlbumDetail = Schemas['AlbumDetail'];
export type AlbumPage = Schemas['AlbumPage'];
export type Artist = Schemas['ArtistOut'];
export type ArtistDetail = Schemas['ArtistDetail'];
export type ArtistPage = Schemas['ArtistPage'];
export type SearchResults = Schemas['SearchResults'];
export type UploadResult = Schemas['UploadResult'];
export type UploadedTrack = Schemas['UploadedTrack'];
export type Job = Schemas['JobOut'];
export type JobStatus = Schemas['JobStatus'];
export type StreamGrant = Schemas['StreamGrantOut'];
export type Play = Schemas['PlayOut'];
export type PlayEvent = Schemas['PlayIn']['event'];
export type HistoryItem = Schemas['HistoryItem'];
export type HistoryPage = Schemas['HistoryPage'];
export type Visibility = NonNullable<TrackPatch['visibility']>;
export type TrackSort = 'created' | 'title' | 'year' | 'plays' | 'duration';
export type SortOrder = 'asc' | 'desc';

/** GET /tracks/{id}/waveform (the schema leaves the body untyped). */
export interface Waveform {
  buckets: number;
  /** [min, max] per bucket, each in -1..1. */
  peaks: Array<[number, number]>;
}

// Playlists
export type Playlist = Schemas['PlaylistOut'];
export type PlaylistPage = Schemas['PlaylistPage'];
export type PlaylistItem = Schemas['ItemOut'];
export type PlaylistItemPage = Schemas['ItemPage'];
export type PlaylistChange = Schemas['ChangeOut'];
export type SmartRule = Schemas['Rule'];
export type SmartGroup = Schemas['Group-Input'];
export type SmartSort = Schemas['SmartSort'];
export type SmartField = SmartRule['field'];
export type SmartOp = SmartRule['op'];
/** A smart playlist's rules, order and limit (as created, edited and previewed). */
export interface SmartDefinition {
  rules: SmartGroup;
  sort: SmartSort;
  limit?: number | null;
}

// Streaming services, migrations, sync pairs
export type Service = Schemas['ServiceOut'];
export type ServiceList = Schemas['ServiceList'];
export type Connection = Schemas['ConnectionOut'];
export type ServicePlaylists = Schemas['ServicePlaylists'];
export type ServicePlaylist = Schemas['ServicePlaylistOut'];
export type Migration = Schemas['MigrationOut'];
export type MigrationStatus = Migration['status'];
export type MigrationSummary = Schemas['MigrationSummary'];
export type MigrationCounts = Schemas['Counts'];
export type MigrationTrack = Schemas['MigrationTrackOut'];
export type MigrationCandidate = Schemas['tonearm__migration__schemas__CandidateOut'];
export type MigrationIn = Schemas['MigrationIn'];
export type MigrationSide = MigrationIn['source'];
export type MigrationTarget = MigrationIn['target'];
export type SyncPair = Schemas['SyncPairOut'];
export type SyncPairIn = Schemas['SyncPairIn'];
export type SyncPairPatch = Schemas['SyncPairPatch'];
