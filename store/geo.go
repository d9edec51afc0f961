package store

// GeoStore keeps the geo domain. Methods are added with the geo package.
type GeoStore interface {
}
