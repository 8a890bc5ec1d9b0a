// hls.js ships no typings for its "light" build (same API minus alt-audio, subtitles, EME, CMCD…).
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
