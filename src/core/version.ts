/** The toolkit's version, printed by --version and written into report metadata. */
export const VERSION = '0.1.0';
