// Types for the parts of scripts/package.mjs that tests import.
export declare function manifestReferencedFiles(pkg: unknown): string[];
export declare function vsixPath(out?: string): string;
