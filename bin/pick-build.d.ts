export declare const ROOT: string;
export declare const STAMP_FILE: string;
export declare function newestMtimeMs(dir: string): number;
export declare function pickBuild(
  root?: string,
  env?: NodeJS.ProcessEnv,
): { tree: 'dist'; entry: string } | { tree: 'src'; entry: string; reason: string };
