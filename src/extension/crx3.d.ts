// crx3 ships no types; the one call grid-run makes (see load.ts).
declare module 'crx3' {
  export default function crx3(files: string[] | NodeJS.ReadableStream, options: { keyPath: string; crxPath: string; zipPath?: string }): Promise<void>;
}
