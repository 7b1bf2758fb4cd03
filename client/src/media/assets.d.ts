/** Files the build emits into Kreds' own static files, imported for their address (`?url`). */
declare module "*?url" {
  const url: string;
  export default url;
}
