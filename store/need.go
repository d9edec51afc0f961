package store

// NeedStore keeps the need domain. Methods are added with the need package.
type NeedStore interface {
}
