; inherits: typescript
; Units of TSX: the same as TypeScript (JSX adds no definitions).
