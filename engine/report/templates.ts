import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

export interface Templates {
  layout: HandlebarsTemplateDelegate;
  index: HandlebarsTemplateDelegate;
  host: HandlebarsTemplateDelegate;
  controls: HandlebarsTemplateDelegate;
  css: string;
}

let loaded: Templates | undefined;

/**
 * The report's templates and stylesheet, read once from templates/ beside this module (dist/ gets them through
 * engine/build/copy-assets.mjs). A private Handlebars instance: the partials of the report never leak into the
 * templates of managed files, which allow no partials at all.
 */
export function loadTemplates(): Templates {
  if (loaded) return loaded;
  const read = (name: string) => readFileSync(new URL(`./templates/${name}`, import.meta.url), 'utf8');
  const hb = Handlebars.create();
  hb.registerPartial('metrics-table', read('metrics-table.hbs'));
  hb.registerPartial('scope', read('scope.hbs'));
  const compile = (name: string) => hb.compile(read(name), { noEscape: false, preventIndent: true });
  loaded = { layout: compile('layout.hbs'), index: compile('index.hbs'), host: compile('host.hbs'), controls: compile('controls.hbs'), css: read('report.css') };
  return loaded;
}
