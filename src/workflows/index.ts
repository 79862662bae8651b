// Research workflows above whole-model analysis: training trackers, checkpoint comparison.
export { Tracker, createTracker, readTrack, trackRecordToJson, type TrackerOptions, type TrackRecord, type TrackedLayer, type TrackWarning, type Gradients } from './tracker.js';
export { compare, compareToJson, type CompareOptions, type CompareReport, type LayerDiff } from './compare.js';
