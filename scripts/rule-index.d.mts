// Types for scripts/rule-index.mjs (plain JavaScript, imported by test/docs/rules.test.ts).
export declare const ROOT: string;
export declare const PREFIXES: string[];
export declare const PAGES: string[];
export declare const INDEX_PATH: string;
export declare function citedIds(text: string): string[];
export declare function collectCitations(root?: string): Map<string, { src: Set<string>; test: Set<string> }>;
export declare function firstSentence(paragraph: string): string;
export declare function readRules(root?: string): Map<string, { page: string; summary: string }>;
export declare function renderIndex(root?: string): string;
export declare function undocumentedCitations(root?: string): { id: string; files: string[] }[];
export declare function bareIdDocComments(root?: string): { file: string; line: number; text: string }[];
