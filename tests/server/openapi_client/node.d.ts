// The two Node globals smoke.ts uses (no @types/node download).
declare const process: { env: Record<string, string | undefined>; exitCode?: number };
