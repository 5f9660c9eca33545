// Set-up of the one-file element script (make dist): the widget's CSS,
// inlined by the bundler (minified), for the shadow root of each
// <din-attention>. The one-file page does not import this: its widget is
// in the document, styled by the <style> block tools/dist.mjs writes.
//
// May depend on: widget.js (setStyles), widget.css (as text, by the bundler).

import { setStyles } from './widget.js';
import css from './widget.css';

setStyles(css);
